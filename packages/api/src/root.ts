import { tasksRouter } from './routers/tasks.js';
import { router } from './trpc.js';

export const appRouter = router({
  tasks: tasksRouter,
});

export type AppRouter = typeof appRouter;
