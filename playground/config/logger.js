const { winston, formats: { prettyPrint, levelFilter } } = require('@strapi/logger');

module.exports = ({ env }) => {
  const level = env('STRAPI_LOG_LEVEL', 'http');
  const file = env('STRAPI_LOG_FILE');
  return {
    transports: [
      new winston.transports.Console({
        level,
        format: winston.format.combine(levelFilter(level), prettyPrint({ timestamps: 'YYYY-MM-DD hh:mm:ss.SSS' })),
      }),
      // The tests read this file to check that no secret is ever logged.
      ...(file ? [new winston.transports.File({ filename: file, level: 'silly' })] : []),
    ],
  };
};
