import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Content-Security-Policy of the JSON API: it serves no documents, so nothing may
 * load, frame or submit (the OWASP REST recommendation).
 */
export const API_CSP_DIRECTIVES = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
} as const;

/**
 * Content-Security-Policy of `/docs` (Swagger UI served from the package, no CDN).
 * Everything comes from our origin: the UI loads its bundle, stylesheet and
 * initializer as files (no inline script, see `@fastify/swagger-ui/static/csp.json`),
 * fetches the spec and "try it out" calls from `self`, and uses `data:` images.
 * No `upgrade-insecure-requests`: the dev stack and the container speak plain HTTP
 * (TLS belongs to the proxy in front), and that directive would break the page there.
 */
export const DOCS_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
} as const;

/** {@link DOCS_CSP_DIRECTIVES} as a header value. */
export const DOCS_CSP = Object.entries(DOCS_CSP_DIRECTIVES)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join('; ');

async function securityPlugin(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP_DIRECTIVES },
  });
}

/**
 * Security headers on every response (@fastify/helmet defaults: HSTS, nosniff,
 * frame options, referrer policy, cross-origin policies) with a deny-all CSP for
 * the JSON API. `/docs` replaces the CSP with {@link DOCS_CSP_DIRECTIVES} (see swagger.ts).
 */
export const security = fp(securityPlugin, { name: 'security', fastify: '5.x' });
