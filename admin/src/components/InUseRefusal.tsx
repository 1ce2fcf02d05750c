import { Flex, Typography } from '@strapi/design-system';

export interface Refusal {
  message: string;
  campaigns: string[];
}

/** The campaigns a 409 names, whatever shape the server gives them (names, or objects with a name). */
export const refusalOf = (error: any, fallback: string): Refusal | null => {
  // Strapi's fetch client gives the status from the error body, not the response.
  if ((error?.status ?? error?.response?.data?.error?.status) !== 409) return null;
  const list = error?.response?.data?.error?.details?.campaigns;
  return {
    message: error?.response?.data?.error?.message ?? fallback,
    campaigns: Array.isArray(list) ? list.map((c: any) => (typeof c === 'string' ? c : (c?.name ?? c?.documentId))).filter(Boolean) : [],
  };
};

/** Why a delete was refused, naming the campaigns in its way, inside the delete's dialog. */
export const InUseRefusal = ({ refusal, testId }: { refusal: Refusal; testId: string }) => (
  <Flex direction="column" gap={1} data-testid={testId}>
    <Typography textAlign="center" textColor="danger600" fontWeight="bold">
      {refusal.message}
    </Typography>
    {refusal.campaigns.map((name) => (
      <Typography key={name} textAlign="center">
        {name}
      </Typography>
    ))}
  </Flex>
);
