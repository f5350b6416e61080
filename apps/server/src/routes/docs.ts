import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';

import { methodNotAllowed } from '../middleware/not-found.js';

/**
 * `/openapi.json` and `/docs` (Swagger UI, its assets served from swagger-ui-dist, no CDN).
 * The `serve` array is spread: its handler array trips Express 5's types
 * (scottie1984/swagger-ui-express#384).
 */
export function docsRoutes(document: object): Router {
  const router = Router();
  router
    .route('/openapi.json')
    .get((_req, res) => {
      res.json(document);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  router.use(
    '/docs',
    ...swaggerUi.serve,
    swaggerUi.setup(document, {
      customSiteTitle: 'Todo API reference',
      swaggerOptions: { persistAuthorization: true },
    }),
  );
  return router;
}
