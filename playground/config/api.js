module.exports = ({ env }) => ({
  // Strapi's defaults; the prefix can be moved (API_PREFIX) to check links follow it.
  rest: { prefix: env('API_PREFIX', '/api'), defaultLimit: 25, maxLimit: 100 },
});
