/** `npm run chat`: try every command in a terminal, on the same service and data file (terminal.ts). */
import { chatFailure, runChat } from './terminal.js';

runChat({
  args: process.argv.slice(2),
  env: process.env,
  input: process.stdin,
  output: process.stdout,
  terminal: Boolean(process.stdin.isTTY),
}).catch((error: unknown) => {
  console.error(chatFailure(error));
  process.exit(1);
});
