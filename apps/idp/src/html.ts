import { createHash } from 'node:crypto';

/**
 * The IdP's HTML: a small page shell with its own inline style and a strict Content-Security-Policy that
 * allows exactly that style (and, on auto-submitting pages, exactly that script) by hash, so no page needs
 * `'unsafe-inline'` or an external asset.
 */

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f4f5f7;color:#1d2330}',
  '.banner{background:#8a1c1c;color:#fff;padding:.6rem 1rem;text-align:center;font-weight:600}',
  'main{max-width:22rem;margin:2.5rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}',
  'h1{font-size:1.4rem;margin:0 0 1rem}',
  'label{display:block;font-weight:600;margin:.8rem 0 .3rem}',
  'input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;border:1px solid #9aa3b2;border-radius:4px}',
  'button{margin-top:1.2rem;width:100%;padding:.65rem;font-size:1rem;font-weight:600;border:0;border-radius:4px;background:#2357c6;color:#fff;cursor:pointer}',
  'button.secondary{background:#e3e6ec;color:#1d2330}',
  '.error{background:#fde8e8;color:#8a1c1c;border:1px solid #f3b4b4;border-radius:4px;padding:.6rem;margin-bottom:.5rem}',
  '.hint{margin-top:1.5rem;font-size:.9rem;color:#4a5263}',
  '.hint ul{padding-left:1.2rem;margin:.3rem 0 0}',
  'code{background:#eef0f4;padding:0 .25rem;border-radius:3px}',
].join('');

// Submits the page's first form once the document is parsed; used where the user has nothing to decide.
export const AUTO_SUBMIT_SCRIPT =
  "document.addEventListener('DOMContentLoaded',function(){document.forms[0].submit();});";

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const STYLE_HASH = sha256(STYLE);
const SCRIPT_HASH = sha256(AUTO_SUBMIT_SCRIPT);

export const BANNER = 'Development identity provider — not for production use';

export interface Page {
  html: string;
  headers: Record<string, string>;
}

/**
 * Renders a complete page. `form-action` is deliberately absent from the policy: browsers apply it to the
 * redirects that follow a form submission, and the sign-in form's redirects end at the client's origin.
 */
export function renderPage(options: { title: string; body: string; autoSubmit?: boolean }): Page {
  const script = options.autoSubmit ? `<script>${AUTO_SUBMIT_SCRIPT}</script>` : '';
  const csp = [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    `script-src ${options.autoSubmit ? SCRIPT_HASH : "'none'"}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
${script}
</head>
<body>
<div class="banner" role="note">${escapeHtml(BANNER)}</div>
<main>
${options.body}
</main>
</body>
</html>
`;
  return {
    html,
    headers: {
      'content-security-policy': csp,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
  };
}
