const path = require('path');

module.exports = ({ env }) => ({
  'email-server': {
    enabled: true,
    // The repository root: the built plugin (npm run build) is loaded from there.
    resolve: path.resolve(__dirname, '..', '..'),
  },
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET', 'playground-users-permissions-jwt-secret') },
  },
});
