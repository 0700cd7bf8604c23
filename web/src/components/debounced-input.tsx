import { type InputHTMLAttributes, useEffect, useState } from 'react';
import { useDebouncedValue } from '../hooks/use-debounced-value';

/**
 * A filter input that follows the URL and drives it as you type (debounced):
 * the URL's value shows, typing changes the URL 300 ms later.
 */
export function DebouncedInput({ value, onCommit, delayMs = 300, ...input }: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & { value: string; onCommit: (value: string) => void; delayMs?: number }) {
  const [text, setText] = useState(value);
  const debounced = useDebouncedValue(text, delayMs);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (debounced.trim() !== value) onCommit(debounced.trim());
    // Only the typed text drives the URL (the URL drives the text above).
  }, [debounced]);
  return <input className="input" {...input} value={text} onChange={(e) => setText(e.target.value)} />;
}
