import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stand-in for `@aws-sdk/credential-provider-node` in Lambda bundles (an esbuild alias set by the
 * node-function construct). Lambda always hands a function its role's credentials as environment
 * variables — the first link of the SDK's default chain — so the chain's other links (SSO, INI
 * files, process, web identity) and the STS/SSO clients they carry are dead weight: about 100 KB
 * of every bundle and of every cold start. The local runtime passes credentials the same way.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
