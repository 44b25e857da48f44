// Runs in Node (serve mode): who may talk to the loopback server, and the headers every answer carries.
import type { IncomingHttpHeaders } from 'node:http'

/** The host names the server answers to (it binds 127.0.0.1 only). */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost']

/**
 * Why a request must be refused, or null when it may proceed. The Host header must name this server exactly
 * (a DNS-rebinding page's requests carry the attacker's host name), and an Origin, when present, must be this
 * server's own (another site's page may send requests to 127.0.0.1 but not with our origin).
 */
export function rejectReason(headers: IncomingHttpHeaders, port: number): string | null {
  const host = (headers.host ?? '').toLowerCase()
  const allowedHosts = LOOPBACK_NAMES.map((name) => `${name}:${port}`)
  if (!allowedHosts.includes(host)) return `Host "${headers.host ?? ''}" is not this server`
  const origin = headers.origin
  if (origin !== undefined) {
    const allowedOrigins = allowedHosts.map((h) => `http://${h}`)
    if (!allowedOrigins.includes(origin.toLowerCase())) return `Origin "${origin}" is not this server`
  }
  // Browsers label cross-site requests even when no Origin is sent (e.g. a plain GET from another site's <img>).
  const site = headers['sec-fetch-site']
  if (site === 'cross-site' || site === 'same-site') return 'cross-site requests are not allowed'
  return null
}

/**
 * The Content-Security-Policy of every page: scripts, styles and connections from this origin only; no frames,
 * forms, plugins or base-URL tricks. Inline styles are allowed because Vue writes `style` attributes when it
 * renders static markup; inline and remote scripts are not.
 */
export function contentSecurityPolicy(port: number): string {
  const ws = LOOPBACK_NAMES.map((name) => `ws://${name}:${port}`).join(' ')
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'"
  ].join('; ')
}

/** Headers on every response, pages and API alike. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin'
  }
}
