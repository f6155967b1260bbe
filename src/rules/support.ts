/**
 * MinID / ID-porten user support contacts, from Digdir's article. Opening hours are deliberately absent:
 * no trusted source publishes them, so they are configuration, never a rule.
 */

/**
 * How to reach MinID / ID-porten user support: `phone` within Norway, `phoneFromAbroad` with the country
 * code, and `email`. MinID's own SMS codes also come from `phoneFromAbroad`.
 */
export const SUPPORT = {
  phone: '800 30 300',
  phoneFromAbroad: '+47 800 30 300',
  email: 'brukerstotte@digdir.no',
} as const;
