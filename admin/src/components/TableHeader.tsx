import { Th, Thead, Tr, Typography, VisuallyHidden } from '@strapi/design-system';

/** A column title, or one only screen readers get (an actions column needs no visible title). */
export type Column = string | { hidden: string };

/** The header row every table here has: small-caps titles, one per column. */
export const TableHeader = ({ columns }: { columns: Column[] }) => (
  <Thead>
    <Tr>
      {columns.map((column) => (
        <Th key={typeof column === 'string' ? column : column.hidden}>
          {typeof column === 'string' ? (
            <Typography variant="sigma">{column}</Typography>
          ) : (
            <VisuallyHidden>{column.hidden}</VisuallyHidden>
          )}
        </Th>
      ))}
    </Tr>
  </Thead>
);
