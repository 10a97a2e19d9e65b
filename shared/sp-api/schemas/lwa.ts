/**
 * Login with Amazon (LWA) token exchange and the credential-rotation notifications Amazon delivers
 * to the application's SQS queue. LWA has no Swagger model; the shapes follow Amazon's SP-API
 * documentation and the Application Management API sample solution (amzn/selling-partner-api-samples).
 */
import * as z from 'zod';
import { dateTimeSchema } from './common.ts';

/** 200 body of `POST /auth/o2/token`. */
export const lwaTokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().optional(),
  /** Present for the client-credentials (grantless) grant. */
  scope: z.string().optional(),
});

/** Error body of `POST /auth/o2/token` (OAuth 2.0 style), e.g. `invalid_grant`. */
export const lwaErrorResponseSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});

/** Form fields of a refresh-token exchange (calls on behalf of a selling partner). */
export const lwaRefreshTokenRequestSchema = z.strictObject({
  grant_type: z.literal('refresh_token'),
  refresh_token: z.string().min(1),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

/** Form fields of a client-credentials exchange (grantless calls, e.g. secret rotation). */
export const lwaClientCredentialsRequestSchema = z.strictObject({
  grant_type: z.literal('client_credentials'),
  scope: z.string().min(1),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

/** Form fields of `POST /auth/o2/token` for the two grants SP-API applications use. */
export const lwaTokenRequestSchema = z.discriminatedUnion('grant_type', [
  lwaRefreshTokenRequestSchema,
  lwaClientCredentialsRequestSchema,
]);

/** The grantless scope that allows `rotateApplicationClientSecret`. */
export const CLIENT_SECRET_ROTATION_SCOPE = 'sellingpartnerapi::client_credential:rotation';

/** Envelope metadata of every SP-API notification. */
export const notificationMetadataSchema = z.looseObject({
  applicationId: z.string().optional(),
  subscriptionId: z.string().optional(),
  publishTime: dateTimeSchema.optional(),
  notificationId: z.string().optional(),
});

/** `payload.applicationOAuthClientNewSecret`: the new secret and when old and new expire. */
export const applicationOAuthClientNewSecretSchema = z.looseObject({
  clientId: z.string(),
  newClientSecret: z.string(),
  newClientSecretExpiryTime: dateTimeSchema,
  oldClientSecretExpiryTime: dateTimeSchema,
});

/** `payload.applicationOAuthClientSecretExpiry`: the current secret will expire (e.g. PERIODIC_ROTATION). */
export const applicationOAuthClientSecretExpirySchema = z.looseObject({
  clientId: z.string(),
  clientSecretExpiryTime: dateTimeSchema,
  clientSecretExpiryReason: z.string(),
});

const notificationEnvelopeShape = {
  notificationVersion: z.string(),
  payloadVersion: z.string(),
  eventTime: dateTimeSchema,
  notificationMetadata: notificationMetadataSchema.optional(),
};

/** APPLICATION_OAUTH_CLIENT_NEW_SECRET: delivered after `rotateApplicationClientSecret`. */
export const applicationOAuthClientNewSecretNotificationSchema = z.looseObject({
  ...notificationEnvelopeShape,
  notificationType: z.literal('APPLICATION_OAUTH_CLIENT_NEW_SECRET'),
  payload: z.looseObject({ applicationOAuthClientNewSecret: applicationOAuthClientNewSecretSchema }),
});

/** APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY: the current client secret is about to expire. */
export const applicationOAuthClientSecretExpiryNotificationSchema = z.looseObject({
  ...notificationEnvelopeShape,
  notificationType: z.literal('APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY'),
  payload: z.looseObject({ applicationOAuthClientSecretExpiry: applicationOAuthClientSecretExpirySchema }),
});

/** Either credential-rotation notification, told apart by `notificationType`. */
export const credentialRotationNotificationSchema = z.discriminatedUnion('notificationType', [
  applicationOAuthClientNewSecretNotificationSchema,
  applicationOAuthClientSecretExpiryNotificationSchema,
]);

/** What {@link lwaTokenResponseSchema} parses to. */
export type LwaTokenResponse = z.infer<typeof lwaTokenResponseSchema>;
/** What {@link lwaErrorResponseSchema} parses to. */
export type LwaErrorResponse = z.infer<typeof lwaErrorResponseSchema>;
/** What {@link lwaTokenRequestSchema} parses to. */
export type LwaTokenRequest = z.infer<typeof lwaTokenRequestSchema>;
/** What {@link applicationOAuthClientNewSecretNotificationSchema} parses to. */
export type ApplicationOAuthClientNewSecretNotification = z.infer<
  typeof applicationOAuthClientNewSecretNotificationSchema
>;
/** What {@link applicationOAuthClientSecretExpiryNotificationSchema} parses to. */
export type ApplicationOAuthClientSecretExpiryNotification = z.infer<
  typeof applicationOAuthClientSecretExpiryNotificationSchema
>;
/** What {@link credentialRotationNotificationSchema} parses to. */
export type CredentialRotationNotification = z.infer<typeof credentialRotationNotificationSchema>;
