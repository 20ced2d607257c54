import type { ReactNode } from 'react';

/** A labelled input with the server's error for that field right beside it. */
export function Field({
  label,
  error,
  children,
  hint,
}: {
  label: string;
  error?: string | undefined;
  children: ReactNode;
  hint?: string;
}) {
  return (
    <div className="field" style={{ margin: '6px 0' }}>
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is the children */}
      <label style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <span style={{ minWidth: 160 }}>{label}</span>
        {children}
      </label>
      {hint && <span className="muted"> {hint}</span>}
      {error && (
        <span className="error-inline" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function when(iso: string): string {
  return iso.replace('T', ' ').slice(0, 19);
}
