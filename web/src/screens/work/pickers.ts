// What the board's and compliance's pickers offer: sites, teams and people, as select options.
import { useQuery } from '@tanstack/react-query';
import { useCurrentUser } from '../../auth/session';
import { childrenQuery } from '../assets/assetsApi';
import { peopleQuery, teamsQuery } from './workApi';

export interface Option {
  value: string;
  label: string;
}

/** The sites (the roots of the asset tree), as « CODE Name ». */
export function useSiteOptions() {
  const sites = useQuery(childrenQuery(null));
  const options: Option[] = (sites.data ?? [])
    .filter((asset) => asset.kind === 'site')
    .map((site) => ({ value: site.id, label: `${site.code} ${site.name}` }));
  return { options, error: sites.error };
}

export function useTeamOptions() {
  const teams = useQuery(teamsQuery());
  const options: Option[] = (teams.data ?? []).map((team) => ({ value: team.id, label: team.name }));
  return { options, error: teams.error };
}

/**
 * Whom work may be filtered by: everyone who can be given work for editors and admins (the
 * people list is theirs only), else the members of the teams and the person themself.
 */
export function useAssigneeOptions() {
  const user = useCurrentUser();
  const manager = user.role === 'admin' || user.role === 'editor';
  const people = useQuery({ ...peopleQuery(), enabled: manager });
  const teams = useQuery({ ...teamsQuery(), enabled: !manager });
  const found = new Map<string, string>([[user.id, user.display_name]]);
  for (const person of manager ? (people.data ?? []) : (teams.data ?? []).flatMap((team) => team.members)) {
    found.set(person.id, person.display_name);
  }
  const options: Option[] = [...found].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  return { options, error: people.error ?? teams.error };
}
