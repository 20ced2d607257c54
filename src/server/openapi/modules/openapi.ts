import { z } from 'zod';
import type { ModuleDoc } from '../operation.js';

export const openapiDoc: ModuleDoc = {
  tag: 'API description',
  description: 'This document, and the page that shows it. No credential needed: it names no patient data.',
  operations: [
    {
      method: 'get',
      path: '/openapi.json',
      summary: 'OpenAPI 3.1 document',
      description: 'Every route of the server, generated from the zod schemas the routes validate with.',
      responses: {
        200: {
          description: 'The OpenAPI 3.1 document.',
          schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
        },
      },
    },
    {
      method: 'get',
      path: '/api/docs',
      summary: 'Readable API page',
      description: 'This document as a web page, rendered on the server (no script).',
      responses: { 200: { description: 'An HTML page.', contentType: 'text/html', schema: z.string() } },
    },
    {
      method: 'get',
      path: '/api/docs.css',
      summary: 'Stylesheet of the API page',
      description: 'The page’s stylesheet, served separately so the page needs no inline style.',
      responses: { 200: { description: 'CSS.', contentType: 'text/css', schema: z.string() } },
    },
  ],
};
