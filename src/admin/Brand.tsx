// The shop's name and mark instead of Payload's: the large logo on the login page, the icon in the header.
export function Logo() {
  return (
    <svg className="shop-logo" width="260" height="48" viewBox="0 0 260 48" role="img" aria-label="100am shop">
      <rect x="0" y="4" width="40" height="40" rx="10" fill="#1f7a4d" />
      <text x="20" y="31" textAnchor="middle" fontFamily="system-ui, sans-serif" fontSize="17" fontWeight="700" fill="#fff">
        100
      </text>
      <text x="52" y="33" fontFamily="system-ui, sans-serif" fontSize="24" fontWeight="700" fill="currentColor">
        100am shop
      </text>
    </svg>
  )
}

export function Icon() {
  return (
    <svg className="shop-icon" width="100%" height="100%" viewBox="0 0 40 40" role="img" aria-label="100am shop">
      <rect x="0" y="0" width="40" height="40" rx="10" fill="#1f7a4d" />
      <text x="20" y="25" textAnchor="middle" fontFamily="system-ui, sans-serif" fontSize="13" fontWeight="700" fill="#fff">
        100
      </text>
    </svg>
  )
}
