import * as React from 'react';
import { Box, Flex, Loader, Typography } from '@strapi/design-system';
import { Link } from 'react-router-dom';
import { styled } from 'styled-components';
import { useCustomerRecords } from '../../hooks/useInbox';
import { useT } from '../../hooks/useT';

/** The thread and, beside it on wide screens (below it on narrow ones), the customer's records. */
const Columns = styled.div`
  display: grid;
  grid-template-columns: minmax(0, 1fr);
  gap: 16px;
  align-items: start;
  @media (min-width: 1100px) {
    grid-template-columns: minmax(0, 1fr) 280px;
  }
`;

/**
 * The sender's entries in this Strapi app, as links into the Content Manager; the server leaves
 * out what the agent may not read there.
 */
export const CustomerPanel = ({ documentId, address }: { documentId: string; address: string }) => {
  const records = useCustomerRecords(documentId);
  const t = useT();
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={4} data-testid="customer-panel" aria-label={t('customer.title', 'Customer')}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Typography variant="sigma" textColor="neutral600" tag="h2">
          {t('customer.title', 'Customer')}
        </Typography>
        {records.isLoading ? (
          <Loader small>{t('customer.loading', 'Looking up the customer')}</Loader>
        ) : records.isError ? (
          <Typography textColor="danger600">{t('customer.error', 'The customer’s records could not be loaded.')}</Typography>
        ) : records.data?.length ? (
          records.data.map((r) => (
            <Flex key={`${r.contentType}/${r.documentId}`} direction="column" alignItems="flex-start" gap={1}>
              <Typography variant="pi" textColor="neutral600">
                {r.contentTypeName}
              </Typography>
              <Link to={r.path}>
                <Typography fontWeight="bold" textColor="primary600">
                  {r.title}
                </Typography>
              </Link>
              {r.title !== r.email ? (
                <Typography variant="pi" textColor="neutral600">
                  {r.email}
                </Typography>
              ) : null}
            </Flex>
          ))
        ) : (
          <Typography textColor="neutral600">
            {t('customer.none', 'No records in this Strapi app for {address}', { address: address || '—' })}
          </Typography>
        )}
      </Flex>
    </Box>
  );
};

export const WithCustomerPanel = ({ documentId, address, children }: { documentId: string; address: string; children: React.ReactNode }) => (
  <Columns>
    <div>{children}</div>
    <CustomerPanel documentId={documentId} address={address} />
  </Columns>
);
