import * as React from 'react';
import { Box, Typography } from '@strapi/design-system';

/**
 * Mail HTML (already sanitised by the server) in a sandboxed frame with a Content-Security-Policy:
 * nothing in it can run script or reach the admin, and remote content loads only when allowed.
 */
export const MailBody = ({ html, text, remote }: { html: string | null; text: string | null; remote: boolean }) => {
  const ref = React.useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = React.useState(120);
  if (!html) {
    return (
      <Box padding={2}>
        <Typography tag="pre" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit' }}>
          {text ?? ''}
        </Typography>
      </Box>
    );
  }
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:${remote ? ' https: http:' : ''}`;
  const doc = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>body{font-family:sans-serif;font-size:14px;margin:8px;color:#32324d}</style></head><body>${html}</body></html>`;
  return (
    <iframe
      ref={ref}
      title="Message"
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      srcDoc={doc}
      style={{ width: '100%', height, border: 0 }}
      onLoad={() => {
        // allow-same-origin (without allow-scripts) only lets the admin measure the content.
        const body = ref.current?.contentDocument?.body;
        if (body) setHeight(Math.min(Math.max(body.scrollHeight + 24, 80), 2000));
      }}
    />
  );
};
