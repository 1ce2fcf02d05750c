import type { Struct } from '@strapi/strapi';
import { hidden } from '../hidden';

/**
 * One Connect in progress: the OAuth2 `state` between the redirect to the provider and the
 * callback. Only a hash of the state is kept (the state itself travels in the browser); the PKCE
 * verifier is encrypted like the passwords. A row is deleted when its callback uses it, so a
 * state works once, on every instance sharing the database.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'email_oauth_states',
    info: { singularName: 'oauth-state', pluralName: 'oauth-states', displayName: 'Email OAuth state' },
    options: { draftAndPublish: false },
    pluginOptions: hidden,
    indexes: [{ name: 'email_oauth_states_hash_uq', columns: ['state_hash'], type: 'unique' }],
    attributes: {
      /** sha256 of the state, hex. */
      stateHash: { type: 'string', required: true },
      codeVerifier: { type: 'text', private: true },
      /** The server's documentId. */
      server: { type: 'string', required: true },
      /** The admin user who clicked Connect: only they may finish it. */
      adminUser: { type: 'integer', required: true },
      redirectUri: { type: 'text' },
      /** The server's OAuth settings when Connect was clicked; a callback after they changed is refused. */
      fingerprint: { type: 'string' },
      /** Epoch milliseconds. */
      expiresAt: { type: 'biginteger' },
    },
  } satisfies Partial<Struct.CollectionTypeSchema>,
};
