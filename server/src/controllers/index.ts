import servers from './servers';

export default {
  servers,
};
