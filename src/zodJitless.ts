/**
 * zod 4 compiles object parsers with `new Function` when the page allows it, and finds out by
 * trying — which the Content-Security-Policy (no 'unsafe-eval') reports as a violation on every
 * load. Turn the compiler off before any schema is built: import this module first in every
 * entry point (the page and the training worker). Parsing stays correct, just interpreted.
 */
import { z } from 'zod';

z.config({ jitless: true });
