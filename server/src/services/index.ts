import secrets from './secrets';
import servers from './servers';

export default {
  secrets,
  servers,
};
