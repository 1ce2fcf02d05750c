import { useAPIErrorHandler, useNotification } from '@strapi/strapi/admin';

/** Notifications, and the one way a failed request is told: Strapi's own wording of its error. */
export const useNotify = () => {
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  return {
    toggleNotification,
    failed: (error: unknown) =>
      toggleNotification({ type: 'danger', message: formatAPIError(error as Parameters<typeof formatAPIError>[0]) }),
  };
};
