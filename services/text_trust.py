"""UI text for sign-in protection and the city-scoped reporter role (merged into services.i18n.TEXT)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "auth_locked": ("登录失败次数过多，该用户名在本设备（地址）上已锁定 {minutes} 分钟，请稍后再试。",
                    "Too many failed sign-ins: this name is locked from this address for {minutes} minutes. "
                    "Try again later."),
    "role_reporter": ("市级填报人", "city reporter"),
}
