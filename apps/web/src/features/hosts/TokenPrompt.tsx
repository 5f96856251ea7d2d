// Asks for a host's token, saying why: none stored yet, or the stored one was refused.
import { useState } from 'react';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';

export function TokenPrompt({ address, reason }: { address: string; reason: string }) {
  const setToken = useAppStore((state) => state.setToken);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  return (
    <form
      className="token-prompt"
      data-testid={testIds.tokenPrompt}
      onSubmit={(event) => {
        event.preventDefault();
        const problem = setToken(address, value);
        setError(problem);
        if (!problem) setValue('');
      }}
    >
      <p>
        <strong>{reason}</strong> Paste the token for <code>{address}</code>: <code>make start</code> prints it, and it is in the agent&apos;s{' '}
        <code>token</code> file (<code>/var/lib/bpfscope/token</code> by default). It is kept in this browser only and never put in links.
      </p>
      <input
        type="password"
        autoComplete="off"
        data-testid={testIds.tokenInput}
        aria-label={`Token for ${address}`}
        placeholder="token"
        value={value}
        maxLength={512}
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit" className="button button--primary" data-testid={testIds.tokenSave}>
        Save token
      </button>
      {error ? (
        <span className="params-form__error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}
