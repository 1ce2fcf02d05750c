import { useAPIErrorHandler, useNotification } from '@strapi/strapi/admin';

/** Notifications, and the one way a failed request is told: Strapi's own wording of its error. */
export const useNotify = () => {
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const failed = (error: unknown) =>
    toggleNotification({ type: 'danger', message: formatAPIError(error as Parameters<typeof formatAPIError>[0]) });
  return {
    toggleNotification,
    failed,
    /** Runs a request and says how it went; true when it succeeded (a dialog then closes). */
    attempt: async (request: () => Promise<unknown>, success: string) => {
      try {
        await request();
        toggleNotification({ type: 'success', message: success });
        return true;
      } catch (error) {
        failed(error);
        return false;
      }
    },
  };
};
