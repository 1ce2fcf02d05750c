import * as React from 'react';
import {
  Badge,
  Button,
  Field,
  Flex,
  SingleSelect,
  SingleSelectOption,
  Textarea,
  TextInput,
  Toggle,
} from '@strapi/design-system';

interface BaseProps {
  name: string;
  label: string;
  error?: string;
  hint?: React.ReactNode;
  required?: boolean;
}

/** Label, hint and error around one input, with the `field-<name>` id the page's tests find. */
const Shell = ({ name, label, error, hint, required, children }: BaseProps & { children: React.ReactNode }) => (
  <Field.Root name={name} error={error} hint={hint} required={required} id={`field-${name}`}>
    <Field.Label>{label}</Field.Label>
    {children}
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

export const TextField = ({
  value,
  onChange,
  type = 'text',
  autoComplete,
  ...base
}: BaseProps & { value: string; onChange: (value: string) => void; type?: string; autoComplete?: string }) => (
  <Shell {...base}>
    <TextInput
      type={type}
      value={value}
      autoComplete={autoComplete}
      onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
    />
  </Shell>
);

export const TextareaField = ({
  value,
  onChange,
  ...base
}: BaseProps & { value: string; onChange: (value: string) => void }) => (
  <Shell {...base}>
    <Textarea value={value} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)} />
  </Shell>
);

/**
 * A whole-number input. A plain text input rather than the design system's NumberInput, which
 * formats with thousands separators ("44,519") and so misrepresents ports.
 */
export const NumberField = ({
  value,
  onChange,
  ...base
}: BaseProps & { value: number | undefined; onChange: (value: number | undefined) => void }) => {
  const [text, setText] = React.useState(value === undefined ? '' : String(value));
  React.useEffect(() => {
    if (value === undefined ? text !== '' : Number(text) !== value) setText(value === undefined ? '' : String(value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <Shell {...base}>
      <TextInput
        inputMode="numeric"
        value={text}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
          const raw = e.target.value.trim();
          setText(e.target.value);
          // Anything that is not a plain number becomes NaN, which the schema reports.
          onChange(raw === '' ? undefined : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN);
        }}
      />
    </Shell>
  );
};

export const SelectField = ({
  value,
  onChange,
  options,
  placeholder,
  ...base
}: BaseProps & {
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: string }>;
  placeholder?: string;
}) => (
  <Shell {...base}>
    <SingleSelect value={value} placeholder={placeholder} onChange={(v: string | number) => onChange(String(v))}>
      {options.map((option) => (
        <SingleSelectOption key={option.value} value={option.value}>
          {option.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  </Shell>
);

export const ToggleField = ({
  value,
  onChange,
  onLabel,
  offLabel,
  disabled = false,
  ...base
}: BaseProps & { value: boolean; onChange: (value: boolean) => void; onLabel: string; offLabel: string; disabled?: boolean }) => (
  <Shell {...base}>
    <Toggle
      checked={value}
      disabled={disabled}
      onLabel={onLabel}
      offLabel={offLabel}
      onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.checked)}
    />
  </Shell>
);

/**
 * A secret is never sent to the browser: a stored one shows as "Set" with a Replace button,
 * and only a newly typed value is submitted.
 */
export const SecretField = ({
  value,
  onChange,
  isSet,
  labels,
  multiline = false,
  ...base
}: BaseProps & {
  value: string;
  onChange: (value: string) => void;
  isSet: boolean;
  labels: { set: string; notSet: string; replace: string; keep: string };
  /** For a key that spans lines (a PEM block), which a password input would flatten. */
  multiline?: boolean;
}) => {
  const [replacing, setReplacing] = React.useState(!isSet);
  React.useEffect(() => setReplacing(!isSet), [isSet]);

  return (
    <Shell {...base} required={base.required && !isSet}>
      <Flex gap={2} alignItems="center">
        <Badge active={isSet} data-testid={`${base.name}-status`}>
          {isSet ? labels.set : labels.notSet}
        </Badge>
        {isSet ? (
          <Button
            variant="tertiary"
            size="S"
            onClick={() => {
              if (replacing) onChange('');
              setReplacing(!replacing);
            }}
          >
            {replacing ? labels.keep : labels.replace}
          </Button>
        ) : null}
      </Flex>
      {replacing && multiline ? (
        <Textarea
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)}
        />
      ) : replacing ? (
        <TextInput
          type="password"
          autoComplete="new-password"
          value={value}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
        />
      ) : null}
    </Shell>
  );
};
