/** The digest in Block Kit: the chart as an image block where Slack can fetch it, in words where it cannot. */
import { describe, expect, it } from 'vitest';
import { toSlackMessage } from '../../../render/slack/blocks.js';
import { sampleViews } from '../../../views/samples.js';

const digest = () => sampleViews('en').digest!;

describe('the digest in Slack', () => {
  it('shows the chart as an image block with its figures as alt text', () => {
    const view = digest();
    if (view.kind !== 'digest') throw new Error('not a digest');
    const image = toSlackMessage(view).blocks.find((b) => b.type === 'image');
    expect(image).toMatchObject({ image_url: view.image!.url, alt_text: view.chartText });
  });

  it('says the figures in words when the chart is at an address only this machine reaches (Slack would refuse the message)', () => {
    const view = digest();
    if (view.kind !== 'digest') throw new Error('not a digest');
    const local = { ...view, image: { ...view.image!, url: 'http://localhost:3978/digest/chart/slack%3AC0/1.png?exp=2&sig=x' } };
    const { blocks } = toSlackMessage(local);
    expect(blocks.some((b) => b.type === 'image')).toBe(false);
    expect(JSON.stringify(blocks)).toContain('Invitations per week, last 8 weeks: week of');
  });
});
