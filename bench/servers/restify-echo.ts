/** Anchor: the bare HTTP ceiling, restify answering a JSON POST with what it was sent. */
import restify from 'restify';

const server = restify.createServer({ name: 'echo' });
server.get('/healthz', (_req, res, next) => {
  res.send(200, { status: 'ok' });
  next();
});
server.post('/echo', restify.plugins.bodyParser({ mapParams: false }), (req, res, next) => {
  res.send(200, { echo: (req.body as { text?: string } | undefined)?.text ?? '' });
  next();
});
server.listen(Number(process.env.PORT), '127.0.0.1');
