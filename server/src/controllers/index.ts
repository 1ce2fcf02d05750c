import inbox from './inbox';
import servers from './servers';

export default {
  inbox,
  servers,
};
