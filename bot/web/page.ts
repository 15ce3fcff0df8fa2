/** The customer's page: plain, escaped HTML that works without JavaScript. */
import type { Locale } from '../../store/schema.js';
import { t, type MessageKey, type MessageParams } from '../../i18n/catalogue.js';
import { multiLine } from '../service/text.js';

/** `value` as HTML text; controls and direction overrides dropped (bot/service/text.ts), as for the form values echoed back. */
export function escapeHtml(value: string): string {
  return multiLine(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f3f5f8}
main{max-width:34rem;margin:0 auto;padding:2rem 1.25rem}
.card{background:#fff;border-radius:12px;padding:1.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.partner{font-weight:600;color:#005eb8;margin:0 0 .25rem}
h1{font-size:1.45rem;line-height:1.25;margin:.25rem 0 1rem}
ul{padding-left:1.25rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{box-sizing:border-box;width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #6b7280;border-radius:6px}
input:focus,button:focus,a:focus{outline:3px solid #ffb900;outline-offset:2px}
input[aria-invalid=true]{border-color:#a4262c}
.error{color:#a4262c;margin:.25rem 0 0;font-size:.95rem}
button{margin-top:1.5rem;width:100%;padding:.8rem;font:inherit;font-weight:600;color:#fff;background:#005eb8;border:0;border-radius:6px;cursor:pointer}
button:hover{background:#004a91}
.muted{color:#4b5563;font-size:.92rem}
.lang{text-align:right;margin:0 0 1rem}
a{color:#005eb8}`;

export interface PageInput {
  locale: Locale;
  nonce: string;
  partner: string;
  title: string;
  switchHref: string | null;
  body: string;
}

export function layout(p: PageInput): string {
  return `<!doctype html>
<html lang="${p.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(p.title)}</title>
<style nonce="${p.nonce}">${STYLE}</style>
</head>
<body>
<main>
${p.switchHref ? `<p class="lang"><a href="${escapeHtml(p.switchHref)}" hreflang="${p.locale === 'it' ? 'en' : 'it'}">${escapeHtml(t(p.locale, 'web.switch'))}</a></p>` : ''}
<div class="card">
<p class="partner">${escapeHtml(p.partner)}</p>
${p.body}
</div>
</main>
</body>
</html>`;
}

/** A translated, escaped sentence. */
export const tx = (locale: Locale, key: MessageKey, params: MessageParams = {}) => {
  const safe: MessageParams = {};
  for (const [k, v] of Object.entries(params)) safe[k] = typeof v === 'string' ? escapeHtml(v) : v;
  return t(locale, key, safe);
};

export interface FormInput {
  locale: Locale;
  action: string;
  csrf: string;
  values: Record<string, string>;
  errors: Partial<Record<string, MessageKey>>;
}

export function acceptForm(f: FormInput): string {
  const field = (name: string, label: MessageKey, type: string, autocomplete: string) => {
    const error = f.errors[name];
    return `<label for="${name}">${tx(f.locale, label)}</label>
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" required value="${escapeHtml(f.values[name] ?? '')}"${error ? ` aria-invalid="true" aria-describedby="${name}-error"` : ''}>
${error ? `<p class="error" id="${name}-error">${tx(f.locale, error)}</p>` : ''}`;
  };
  return `<form method="post" action="${escapeHtml(f.action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(f.csrf)}">
${field('companyName', 'web.companyName', 'text', 'organization')}
${field('domain', 'web.domain', 'text', 'url')}
${field('name', 'web.name', 'text', 'name')}
${field('email', 'web.email', 'email', 'email')}
<button type="submit">${tx(f.locale, 'web.accept')}</button>
</form>`;
}
