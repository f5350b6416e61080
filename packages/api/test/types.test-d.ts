import type { OpenApiMeta } from 'trpc-to-openapi';
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';

import type { Task, TaskSchema } from '../src/tasks/model.js';
import type { ApiMeta } from '../src/trpc.js';

describe('when the router meta type is compared with trpc-to-openapi’s', () => {
  it('then ApiMeta is assignable to OpenApiMeta and to the adapter’s Record bound', () => {
    expectTypeOf<ApiMeta>().toExtend<OpenApiMeta>();
    expectTypeOf<ApiMeta>().toExtend<Record<string, unknown>>();
  });
});

describe('when the Task interface is compared with the schema that validates responses', () => {
  it('then they describe exactly the same object', () => {
    expectTypeOf<z.output<typeof TaskSchema>>().toEqualTypeOf<Task>();
  });
});
