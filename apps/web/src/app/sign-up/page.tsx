import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { currentUser } from '../../auth/session';
import { AuthForm } from '../../components/AuthForm';

export const metadata: Metadata = { title: 'Create an account · Tasks' };

export default async function SignUp() {
  if (await currentUser()) redirect('/');
  return <AuthForm mode="sign-up" />;
}
