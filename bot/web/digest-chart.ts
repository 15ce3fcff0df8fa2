/**
 * `GET /digest/chart/<subscription>/<moment>.png?exp=…&sig=…`: the digest's chart, rendered on the
 * server from the store when asked (vega-lite to SVG, resvg to PNG, with a font from npm so text
 * renders on a machine without fonts). The service checks the signature; anything else is 404.
 * Images are kept briefly in memory: Teams and Slack fetch the same one several times.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Request, Response } from 'restify';
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { Surface } from '../server/server.js';
import { toDigestChart, type DigestChartModel } from '../../views/index.js';

const CACHE_MS = 10 * 60_000;
const CACHE_MAX = 64;
const WIDTH = 560;
const HEIGHT = 220;
const COLOURS = ['#5B5FC7', '#2E9E6A', '#E8912D'];

const require = createRequire(import.meta.url);
/** Inter, from its npm package: the only font the renderer loads, so every machine draws the same text. */
const FONT = join(dirname(require.resolve('@expo-google-fonts/inter/package.json')), '400Regular', 'Inter_400Regular.ttf');

/** A grouped bar chart: for each week, invitations sent, accepted and made ready. */
function specOf(chart: DigestChartModel): object {
  const series = [chart.series.sent, chart.series.accepted, chart.series.ready];
  const values = chart.weeks.flatMap((w, order) => [
    { week: w.label, order, series: series[0], n: w.sent },
    { week: w.label, order, series: series[1], n: w.accepted },
    { week: w.label, order, series: series[2], n: w.ready },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    title: { text: chart.title, font: 'Inter', fontSize: 14, anchor: 'start' },
    config: {
      font: 'Inter',
      axis: { labelFont: 'Inter', titleFont: 'Inter', labelFontSize: 11 },
      legend: { labelFont: 'Inter', labelFontSize: 12 },
      view: { stroke: null },
    },
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      x: { field: 'week', type: 'ordinal', sort: { field: 'order' }, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'series', sort: series },
      y: { field: 'n', type: 'quantitative', title: null, axis: { tickMinStep: 1, format: 'd' } },
      color: {
        field: 'series',
        type: 'nominal',
        sort: series,
        scale: { domain: series, range: COLOURS },
        legend: { orient: 'bottom', title: null },
      },
    },
  };
}

/** The PNG of a chart. vega, vega-lite and resvg are loaded at the first chart, not at start-up. */
export async function renderChartPng(chart: DigestChartModel): Promise<Buffer> {
  const [vega, vegaLite, { Resvg }] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  const view = new vega.View(vega.parse(vegaLite.compile(specOf(chart) as never).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    font: { fontFiles: [FONT], loadSystemFonts: false, defaultFontFamily: 'Inter' },
    fitTo: { mode: 'zoom', value: 2 },
  });
  return png.render().asPng();
}

export function createDigestChartSurface(app: App, logger: Logger): Surface {
  // The drawing itself is kept, so Teams and Slack asking at once draw it once.
  const cache = new Map<string, { png: Promise<Buffer>; until: number }>();
  const notFound = (res: Response) => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('Not found');
  };
  const drawn = (key: string, chart: NonNullable<ReturnType<App['service']['digestChart']>>) => {
    const now = app.clock.now().getTime();
    const kept = cache.get(key);
    if (kept && kept.until > now) return kept.png;
    const png = renderChartPng(toDigestChart({ locale: chart.locale, timeZone: chart.timeZone }, chart.weeks));
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, { png, until: now + CACHE_MS });
    // A failed drawing is not kept: the next request tries again.
    png.catch(() => cache.delete(key));
    return png;
  };
  return {
    name: 'digest-chart',
    register(server) {
      server.get('/digest/chart/:subscription/:file', async (req: Request, res: Response) => {
        const query = new URL(req.url ?? '/', 'http://x').searchParams;
        const at = /^(\d+)\.png$/.exec(String(req.params.file))?.[1] ?? '';
        const subscription = String(req.params.subscription);
        const chart = app.service.digestChart(subscription, at, query.get('exp') ?? '', query.get('sig') ?? '');
        if (!chart) return notFound(res);
        let png: Buffer;
        try {
          png = await drawn(`${subscription}|${at}`, chart);
        } catch (err) {
          logger.error({ err }, 'could not render a digest chart');
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          return res.end('The chart could not be drawn');
        }
        res.writeHead(200, {
          'Content-Type': 'image/png',
          'Content-Length': png.length,
          'Cache-Control': 'private, max-age=600',
          'X-Content-Type-Options': 'nosniff',
        });
        res.end(png);
      });
    },
  };
}
