import * as React from 'react';
import { Box, Flex, Grid, Typography } from '@strapi/design-system';

/** A white card with a heading, the unit every form and detail page is made of. */
export const Panel = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {children}
    </Flex>
  </Box>
);

/** A panel whose children sit on the 12-column grid, in `Cell`s. */
export const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Panel title={title}>
    <Grid.Root gap={4}>{children}</Grid.Root>
  </Panel>
);

/** One field on a form grid: half a row unless told otherwise, full width on small screens. */
export const Cell = ({ children, size = 6 }: { children?: React.ReactNode; size?: number }) => (
  <Grid.Item col={size} s={12} direction="column" alignItems="stretch">
    {children}
  </Grid.Item>
);
