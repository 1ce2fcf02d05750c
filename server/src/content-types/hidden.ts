/** Plugin-owned types: managed through the plugin's own pages, not the Content Manager. */
export const hidden = {
  'content-manager': { visible: false },
  'content-type-builder': { visible: false },
};
