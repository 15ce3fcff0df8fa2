/**
 * Unpacks the npm-shipped Chromium once, before the workers start: two workers unpacking it at
 * the same moment could launch a half-written binary.
 */
import sparticuz from '@sparticuz/chromium';

export default async function setup(): Promise<void> {
  if (!process.env.CHROMIUM_PATH) await sparticuz.executablePath();
}
