const path = require('path');

module.exports = ({ env }) => ({
  'email-server': {
    enabled: true,
    // The repository root: the built plugin (npm run build) is loaded from there.
    resolve: path.resolve(__dirname, '..', '..'),
    config: {
      sendgrid: { apiBaseUrl: env('EMAIL_SERVER_SENDGRID_API_URL', 'https://api.sendgrid.com') },
      verifyTimeoutMs: env.int('EMAIL_SERVER_VERIFY_TIMEOUT_MS', 10000),
      blockPrivateNetworks: env.bool('EMAIL_SERVER_BLOCK_PRIVATE_NETWORKS', false),
      incoming: {
        polling: env.bool('EMAIL_SERVER_POLLING', true),
        tickMs: env.int('EMAIL_SERVER_POLL_TICK_MS', 5000),
        maxMessageBytes: env.int('EMAIL_SERVER_MAX_MESSAGE_BYTES', 25 * 1024 * 1024),
        maxAuthFailures: env.int('EMAIL_SERVER_MAX_AUTH_FAILURES', 3),
        batchSize: env.int('EMAIL_SERVER_FETCH_BATCH', 50),
        leaseMs: env.int('EMAIL_SERVER_LEASE_MS', 5 * 60 * 1000),
        initialSyncMax: env.int('EMAIL_SERVER_INITIAL_SYNC_MAX', 1000),
      },
      inbox: {
        maxAttachmentBytes: env.int('EMAIL_SERVER_MAX_ATTACHMENT_BYTES', 20 * 1024 * 1024),
        // JSON, for the tests of inbox.contactSources; absent: the default (users-permissions' user).
        ...(env('EMAIL_SERVER_CONTACT_SOURCES') ? { contactSources: JSON.parse(env('EMAIL_SERVER_CONTACT_SOURCES')) } : {}),
      },
      oauth: {
        stateTtlSeconds: env.int('EMAIL_SERVER_OAUTH_STATE_TTL', 600),
        ...(env('EMAIL_SERVER_OAUTH_REDIRECT_URI') ? { redirectUri: env('EMAIL_SERVER_OAUTH_REDIRECT_URI') } : {}),
        // JSON, for tests that point the built-in providers at a loopback stand-in.
        ...(env('EMAIL_SERVER_OAUTH_ENDPOINTS') ? { endpoints: JSON.parse(env('EMAIL_SERVER_OAUTH_ENDPOINTS')) } : {}),
      },
      campaigns: {
        sending: env.bool('EMAIL_SERVER_CAMPAIGNS', true),
        tickMs: env.int('EMAIL_SERVER_CAMPAIGN_TICK_MS', 1000),
        claimBatch: env.int('EMAIL_SERVER_CAMPAIGN_BATCH', 100),
        leaseMs: env.int('EMAIL_SERVER_CAMPAIGN_LEASE_MS', 120000),
        maxAttempts: env.int('EMAIL_SERVER_CAMPAIGN_MAX_ATTEMPTS', 5),
        retryBaseMs: env.int('EMAIL_SERVER_CAMPAIGN_RETRY_MS', 60000),
        pauseAfterFailures: env.int('EMAIL_SERVER_CAMPAIGN_PAUSE_AFTER', 20),
        // Where unsubscribe links point; a real app sets its public address here or in server.url.
        publicUrl: env('EMAIL_SERVER_PUBLIC_URL', `http://localhost:${env.int('PORT', 1337)}`),
      },
    },
  },
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET', 'playground-users-permissions-jwt-secret') },
  },
  // Strapi's own provider, used when no email server is the default. The tests point it at a
  // loopback SMTP server; without FALLBACK_SMTP_PORT Strapi's default (sendmail) applies.
  ...(env('FALLBACK_SMTP_PORT')
    ? {
        email: {
          config: {
            provider: 'nodemailer',
            providerOptions: {
              host: '127.0.0.1',
              port: env.int('FALLBACK_SMTP_PORT'),
              secure: false,
              ignoreTLS: true,
            },
            settings: { defaultFrom: 'fallback@example.com', defaultReplyTo: 'fallback@example.com' },
          },
        },
      }
    : {}),
});
