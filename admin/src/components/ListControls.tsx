import * as React from 'react';
import { Button, Flex, TextInput, Typography } from '@strapi/design-system';
import { useT } from '../hooks/useT';

/** Previous / "Page x of y" / Next under a paged table. */
export const Pager = ({ page, pageCount, onPage, testId }: { page: number; pageCount: number; onPage: (page: number) => void; testId?: string }) => {
    const t = useT();
  return (
    <Flex gap={2} justifyContent="flex-end">
      <Button variant="tertiary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('pagination.previous', 'Previous')}
      </Button>
      <Typography data-testid={testId}>{t('pagination.page', 'Page {page} of {pageCount}', { page, pageCount })}</Typography>
      <Button variant="tertiary" disabled={page >= pageCount} onClick={() => onPage(page + 1)}>
        {t('pagination.next', 'Next')}
      </Button>
    </Flex>
  );
};

/** A search field that applies on Enter, so a long list is not queried at every keystroke. */
export const SearchBox = ({ label, placeholder, onSearch, grow }: { label: string; placeholder: string; onSearch: (q: string) => void; grow?: boolean }) => {
  const [value, setValue] = React.useState('');
  return (
    <form
      style={grow ? { flex: 1 } : undefined}
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(value.trim());
      }}
    >
      <TextInput
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue(e.target.value)}
      />
    </form>
  );
};
