import type * as React from 'react';
import { ConfirmDialog } from '@strapi/strapi/admin';
import { Button, Dialog, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';

interface ConfirmActionDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  question: string;
  /** What the action applies to, shown in bold. */
  subject: string;
  consequences: string[];
  confirmLabel: string;
  /** Replaces the default "Cancel" where that word would mean the action itself. */
  dismissLabel?: string;
  loading: boolean;
  onConfirm: () => void;
  /** Not every confirmed action destroys something: sending is confirmed in the primary colour. */
  tone?: 'danger' | 'primary';
  /** Shown below the consequences (why the action was refused). */
  children?: React.ReactNode;
}

/** The layout of every destructive confirmation here, as in DeleteServerDialog. */
export const ConfirmActionDialog = ({
  open,
  onOpenChange,
  title,
  question,
  subject,
  consequences,
  confirmLabel,
  dismissLabel,
  loading,
  onConfirm,
  tone = 'danger',
  children,
}: ConfirmActionDialogProps) => (
  <Dialog.Root open={open} onOpenChange={onOpenChange}>
    <ConfirmDialog
      variant={tone === 'danger' ? 'danger-light' : 'default'}
      icon={<WarningCircle width="24px" height="24px" fill={tone === 'danger' ? 'danger600' : 'primary600'} />}
      title={title}
      startAction={
        dismissLabel ? (
          <Dialog.Cancel>
            <Button fullWidth variant="tertiary">
              {dismissLabel}
            </Button>
          </Dialog.Cancel>
        ) : undefined
      }
      endAction={
        <Button fullWidth variant={tone === 'danger' ? 'danger-light' : 'default'} loading={loading} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      }
    >
      <Flex direction="column" gap={2}>
        <Typography textAlign="center">{question}</Typography>
        <Typography textAlign="center" fontWeight="bold">
          {subject}
        </Typography>
        {consequences.map((line) => (
          <Typography key={line} textAlign="center" textColor={tone === 'danger' ? 'danger600' : 'neutral800'}>
            {line}
          </Typography>
        ))}
        {children}
      </Flex>
    </ConfirmDialog>
  </Dialog.Root>
);
