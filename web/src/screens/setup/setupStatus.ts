// Whether Gamme still needs its first administrator; sign-in uses it to route to setup.
import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

export const setupStatusQuery = queryOptions({
  queryKey: ['auth', 'setup'],
  queryFn: () => unwrap(api.GET('/api/auth/setup')),
  staleTime: 0,
});
