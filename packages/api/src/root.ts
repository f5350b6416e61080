import { tagsRouter, tasksRouter } from './tasks/router.js';
import { router } from './trpc.js';

export const appRouter = router({
  tasks: tasksRouter,
  tags: tagsRouter,
});

export type AppRouter = typeof appRouter;
