/**
 * Unpacks the npm-shipped Chromium and its libraries once, before the workers start: two workers
 * unpacking it at the same moment could launch a half-written binary. A library missing from both
 * the bundle and the machine fails the run here, by name.
 */
import { packagedChromium } from '../chromium-bundle.js';

export default async function setup(): Promise<void> {
  if (!process.env.CHROMIUM_PATH) await packagedChromium();
}
