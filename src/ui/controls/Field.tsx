/**
 * Labelled controls with a short explanation that appears on hover and keyboard focus (also
 * linked with aria-describedby, so screen readers read it).
 */
import { useId, useState, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  hint?: string;
  children: (ids: { inputId: string; hintId: string | undefined }) => ReactNode;
  className?: string;
  error?: string | null;
}

export function Field({ label, hint, children, className, error }: FieldProps) {
  const inputId = useId();
  const hintId = useId();
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={inputId}>{label}</label>
      {children({ inputId, hintId: hint ? hintId : undefined })}
      {hint && (
        <span className="hint" role="tooltip" id={hintId}>
          {hint}
        </span>
      )}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}

interface NumberFieldProps {
  label: string;
  hint?: string;
  value: number;
  /** Applies the value; returns an error message when it is rejected. */
  onCommit: (value: number) => string | null | void;
  min?: number;
  max?: number;
  step?: number | 'any';
  disabled?: boolean;
}

/** A number input that keeps what the user types and applies it once it is a valid number. */
export function NumberField({
  label,
  hint,
  value,
  onCommit,
  min,
  max,
  step,
  disabled,
}: NumberFieldProps) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = text ?? String(value);
  const commit = (raw: string) => {
    const x = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(x)) {
      setError('Enter a number.');
      return;
    }
    if ((min !== undefined && x < min) || (max !== undefined && x > max)) {
      setError(`Between ${min ?? '−∞'} and ${max ?? '∞'}.`);
      return;
    }
    const problem = onCommit(x);
    setError(problem ? problem : null);
  };
  return (
    <Field label={label} hint={hint} error={error}>
      {({ inputId, hintId }) => (
        <input
          id={inputId}
          type="number"
          inputMode="decimal"
          value={shown}
          min={min}
          max={max}
          step={step ?? 'any'}
          disabled={disabled}
          aria-describedby={hintId}
          aria-invalid={error !== null}
          onChange={(e) => {
            setText(e.target.value);
            commit(e.target.value);
          }}
          onBlur={() => {
            setText(null);
            setError(null);
          }}
        />
      )}
    </Field>
  );
}

interface SelectFieldProps<T extends string> {
  label: string;
  hint?: string;
  value: T;
  options: readonly { value: T; label: string; disabled?: boolean }[];
  onChange: (value: T) => void;
  disabled?: boolean;
}

export function SelectField<T extends string>({
  label,
  hint,
  value,
  options,
  onChange,
  disabled,
}: SelectFieldProps<T>) {
  return (
    <Field label={label} hint={hint}>
      {({ inputId, hintId }) => (
        <select
          id={inputId}
          value={value}
          disabled={disabled}
          aria-describedby={hintId}
          onChange={(e) => onChange(e.target.value as T)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

interface CheckFieldProps {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}

/** A checkbox with its label to the right. */
export function CheckField({ label, hint, checked, onChange, disabled }: CheckFieldProps) {
  const inputId = useId();
  const hintId = useId();
  return (
    <div className="field field-check">
      <input
        id={inputId}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={hint ? hintId : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <span className="hint" role="tooltip" id={hintId}>
          {hint}
        </span>
      )}
    </div>
  );
}
