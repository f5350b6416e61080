export { appRouter } from './root.js';
export type { AppRouter } from './root.js';
export { createContextFactory } from './context.js';
export type {
  AuthUser,
  Context,
  ContextDependencies,
  RequestConditions,
  RequestInfo,
  ResponseHints,
} from './context.js';
export {
  etagOf,
  noneMatches,
  parseIdempotencyKey,
  parseIfMatch,
  parseIfNoneMatch,
} from './conditions.js';
export type { IfMatch, IfNoneMatch } from './conditions.js';
export { createTaskService } from './tasks/service.js';
export { KEY_LIFETIME_MS } from './tasks/service.js';
export type {
  Created,
  NewTask,
  TagCount,
  TaskFields,
  TaskListQuery,
  TaskService,
  TaskServiceOptions,
} from './tasks/service.js';
export { restMetaOf, subscriptionPaths } from './rest-meta.js';
export { createHs256Verifier } from './auth/hs256.js';
export { createJwksVerifier, JWKS_ALGORITHMS } from './auth/jwks.js';
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
  PreconditionFailedError,
  PUBLIC_MESSAGES,
  TooManyStreamsError,
  RETRY_AFTER_SECONDS,
  toTRPCError,
} from './errors.js';
export type { ContractIssue, ErrorData, ErrorShape } from './errors.js';
export { createInProcessBus, createPostgresBus } from './changes/bus.js';
export type { BusListener, ChangeNotice, EventBus, PostgresBusOptions } from './changes/bus.js';
export { createChangeStreams } from './changes/streams.js';
export type {
  ChangeStream,
  ChangeStreams,
  ChangeStreamsOptions,
  FeedPage,
  FeedReader,
} from './changes/streams.js';
export { ChangeSchema, Cursor, cursorValue } from './changes/contract.js';
export type { Change, ChangesAnswer, StreamEvent } from './changes/contract.js';
export type { ResetItem } from './changes/router.js';
export { startMaintenance } from './maintenance.js';
export type { Maintenance, MaintenanceOptions, MaintenanceReport } from './maintenance.js';
export { createOpenApiDocument, EVENTS_PATH } from './openapi.js';
export type { OpenApiOptions } from './openapi.js';
export type { ApiMeta } from './trpc.js';
export { claimsOtherUser } from './trpc.js';
export { isPlainDecimal } from './contract/fields.js';
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
