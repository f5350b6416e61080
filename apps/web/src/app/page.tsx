import { redirect } from 'next/navigation';

import { currentUser } from '../auth/session';
import { TodoApp } from '../components/TodoApp';
import { loadConfigFromEnvironment } from '../config';

export default async function Home() {
  const user = await currentUser();
  if (!user) redirect('/sign-in');
  return (
    <TodoApp userId={user.id} email={user.email} apiUrl={loadConfigFromEnvironment().apiUrl} />
  );
}
