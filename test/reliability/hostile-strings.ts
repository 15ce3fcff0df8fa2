/** What a customer, a partner user or a directory could put in a name to turn it into markup. */
export const HOSTILE = [
  '[Verify your account](https://evil.example/login)',
  'https://evil.example/login',
  'www.evil.example',
  '**urgent** __now__ _it_ *b* ~s~ ~~gone~~',
  '<!channel> <!here> @here @channel @everyone <@U123> <#C123> <!subteam^S1>',
  '<https://evil.example|click> <https://evil.example> <mailto:x@evil.example>',
  '&lt;b&gt; &amp; &#91;x&#93;(https://evil.example)',
  '<a href="https://evil.example">x</a> <img src=x onerror=alert(1)> <at>Alice</at> </p>',
  '${title} ${$root.fallbackText} {{DATE(2017-02-14T06:08:00Z, SHORT)}}',
  '\\[x\\](https://evil.example) \\\\[y](https://evil.example) \\*z\\*',
  '- item\n1. one\n# head\n> quote\n---\n[r]\n\n[r]: https://evil.example',
  '![img](https://evil.example/x.png) [ref][r] [r]',
];
