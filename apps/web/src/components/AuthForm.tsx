'use client';

import Link from 'next/link';
import { useState, type SubmitEvent } from 'react';

import { authClient } from '../auth/client';

const MIN_PASSWORD = 8;

/** Sign-in and sign-up: the same form, sign-up asks for a name too. */
export function AuthForm({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signUp = mode === 'sign-up';

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const { error: refused } = signUp
      ? await authClient.signUp.email({ name: name.trim() || email, email, password })
      : await authClient.signIn.email({ email, password });
    if (refused !== null) {
      setError(refused.message ?? 'That did not work. Please try again.');
      setBusy(false);
      return;
    }
    // A full navigation, so the server renders the list with the new session.
    window.location.assign('/');
  }

  return (
    <main className="auth">
      <h1>{signUp ? 'Create an account' : 'Sign in'}</h1>
      <form onSubmit={(event) => void submit(event)} className="stack">
        {signUp && (
          <label>
            Name
            <input
              name="name"
              autoComplete="name"
              value={name}
              onChange={(event) => {
                setName(event.target.value);
              }}
            />
          </label>
        )}
        <label>
          Email
          <input
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => {
              setEmail(event.target.value);
            }}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={signUp ? 'new-password' : 'current-password'}
            required
            minLength={MIN_PASSWORD}
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
        </label>
        {signUp && <p className="hint">At least {MIN_PASSWORD} characters.</p>}
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {signUp ? 'Create account' : 'Sign in'}
        </button>
      </form>
      <p>
        {signUp ? (
          <>
            Have an account? <Link href="/sign-in">Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link href="/sign-up">Create an account</Link>
          </>
        )}
      </p>
    </main>
  );
}
