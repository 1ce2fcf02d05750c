export const PLUGIN_ID = 'email-server';
