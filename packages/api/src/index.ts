export { appRouter } from './root.js';
export type { AppRouter } from './root.js';
export { createContextFactory } from './context.js';
export type { AuthUser, Context, ContextDependencies, RequestAuth } from './context.js';
export { createTaskService } from './tasks/service.js';
export type { NewTask, TagCount, TaskFields, TaskListQuery, TaskService } from './tasks/service.js';
export { successStatusOf } from './success-status.js';
export { createHs256Verifier } from './auth/hs256.js';
export { createJwksVerifier, JWKS_ALGORITHMS, RemoteKeyStore } from './auth/jwks.js';
export type { JwksOptions } from './auth/jwks.js';
export { createTokenVerifier } from './auth/by-algorithm.js';
export type { TokenVerifierOptions } from './auth/by-algorithm.js';
export type { Hs256Options } from './auth/hs256.js';
export { checkClaims, CLOCK_TOLERANCE_SECONDS } from './auth/claims.js';
export type { ClaimRules } from './auth/claims.js';
export { AuthError, KeySetUnavailableError } from './auth/verifier.js';
export type { AuthFailureReason, TokenVerifier, VerifiedToken } from './auth/verifier.js';
export {
  errorHeaders,
  formatError,
  InvalidInputError,
  NotFoundError,
  PUBLIC_MESSAGES,
  RETRY_AFTER_SECONDS,
  toTRPCError,
} from './errors.js';
export type { ContractIssue, ErrorData, ErrorShape } from './errors.js';
export { createOpenApiDocument } from './openapi.js';
export type { OpenApiOptions } from './openapi.js';
export type { ApiMeta } from './trpc.js';
export {
  CompleteTaskInput,
  CreateTaskInput,
  DEFAULT_ORDER,
  DeleteTaskInput,
  GetTaskInput,
  ListTagsInput,
  ListTasksInput,
  PatchTaskInput,
  SortOrder,
  TagList,
  TaskList,
  TaskSort,
  TaskStatus,
  UpdateTaskInput,
} from './tasks/contract.js';
export { TaskSchema } from './tasks/model.js';
export type { Task } from './tasks/model.js';
