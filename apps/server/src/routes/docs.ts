import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';

import { methodNotAllowed } from '../http-error.js';

const DOCS = '/docs';
const OPTIONS = {
  customSiteTitle: 'Todo API reference',
  swaggerOptions: { persistAuthorization: true },
};

/**
 * `/openapi.json` and `/docs` (Swagger UI, its assets served from swagger-ui-dist, no CDN).
 * The page is answered at `/docs` itself (200, no redirect to `/docs/`), so its asset links are
 * made absolute; the assets and the init script come from swagger-ui-express under `/docs/`.
 * The `serveFiles` array is spread: its handler array trips Express 5's types
 * (scottie1984/swagger-ui-express#384).
 */
export function docsRoutes(document: object): Router {
  const router = Router();
  router
    .route('/openapi.json')
    .get((_req, res) => {
      res.json(document);
    })
    .all((req, _res, next) => {
      next(methodNotAllowed(req.method, ['GET', 'HEAD']));
    });
  const page = swaggerUi
    .generateHTML(document, OPTIONS)
    .replaceAll('href="./', `href="${DOCS}/`)
    .replaceAll('src="./', `src="${DOCS}/`);
  router
    .route([DOCS, `${DOCS}/`])
    .get((_req, res) => {
      res.type('html').send(page);
    })
    .all((req, _res, next) => {
      next(methodNotAllowed(req.method, ['GET', 'HEAD']));
    });
  router.use(DOCS, ...swaggerUi.serveFiles(document, OPTIONS));
  return router;
}
