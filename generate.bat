@echo off
rem Rectification notice: double-click, or drag a ledger workbook (.xlsx) onto this file.
rem This file stays ASCII with CRLF line endings: cmd reads it in the console code page (GBK on
rem Chinese Windows). Every Chinese message is printed by Python (tools\launcher_messages.py) or is in
rem tools\python_missing.txt, opened in Notepad when there is no Python.
setlocal EnableExtensions DisableDelayedExpansion
pushd "%~dp0"
set "PYTHONUTF8=1"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
set "VENV_PY=.venv\Scripts\python.exe"
set "MSG=tools\launcher_messages.py"
set "LEDGER=%~1"
set "CODE=0"

rem 1. A working virtual environment needs no other Python.
if not exist "%VENV_PY%" goto find_python
"%VENV_PY%" -c "import sys" >nul 2>&1
if not errorlevel 1 goto venv_ready

:find_python
rem 2. py -3, then python, always with arguments. The Microsoft Store stub exits 9009 without running
rem    anything; exit 3 means a Python older than 3.10.
set "PY="
call :probe py -3
if "%PROBE%"=="0" set "PY=py -3"
if defined PY goto create_venv
call :probe python
if "%PROBE%"=="0" set "PY=python"
if defined PY goto create_venv
goto no_python

:create_venv
%PY% "%MSG%" creating_venv
if exist ".venv" rmdir /s /q ".venv"
%PY% -m venv ".venv"
if errorlevel 1 goto venv_failed
if not exist "%VENV_PY%" goto venv_failed

:venv_ready
rem 3. Install requirements.txt on the first run and whenever it changed (a copy is kept in .venv).
fc /b "requirements.txt" ".venv\requirements.installed" >nul 2>&1
if not errorlevel 1 goto run
if exist "wheels\*.whl" goto install_offline
"%VENV_PY%" "%MSG%" installing_online
"%VENV_PY%" -m pip install -r "requirements.txt"
if errorlevel 1 goto install_failed_online
goto installed
:install_offline
"%VENV_PY%" "%MSG%" installing_offline
"%VENV_PY%" -m pip install --no-index --find-links "wheels" -r "requirements.txt"
if errorlevel 1 goto install_failed_offline
:installed
copy /y "requirements.txt" ".venv\requirements.installed" >nul

:run
rem 4. The notice. A workbook dragged onto this file is the first argument (LEDGER above).
echo.
if defined LEDGER goto run_ledger
"%VENV_PY%" generate.py
set "CODE=%errorlevel%"
goto ran
:run_ledger
"%VENV_PY%" generate.py "%LEDGER%"
set "CODE=%errorlevel%"
:ran
echo.
if "%CODE%"=="0" start "" "output"
if "%CODE%"=="3" start "" "output"
"%VENV_PY%" "%MSG%" result %CODE%
goto finish

:no_python
echo Python 3.10+ : tools\python_missing.txt
start "" notepad.exe "%~dp0tools\python_missing.txt"
set "CODE=9009"
pause
goto done

:venv_failed
%PY% "%MSG%" venv_failed
set "CODE=2"
goto finish

:install_failed_online
"%VENV_PY%" "%MSG%" install_failed_online
set "CODE=2"
goto finish

:install_failed_offline
"%VENV_PY%" "%MSG%" install_failed_offline
set "CODE=2"
goto finish

:probe
rem Runs the given command with -c quietly; PROBE is 0 for Python 3.10 or later.
%* -c "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 3)" >nul 2>&1
set "PROBE=%errorlevel%"
exit /b 0

:finish
if exist "%VENV_PY%" ("%VENV_PY%" "%MSG%" press_any_key) else (%PY% "%MSG%" press_any_key)
pause >nul

:done
popd
endlocal & exit /b %CODE%
