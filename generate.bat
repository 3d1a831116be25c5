@echo off
rem Rectification notice: double-click for the window, or drag a ledger (.xlsx), two ledgers (this
rem time's and the last) or a folder of ledgers (a whole round) onto this file.
rem This file stays ASCII with CRLF line endings: cmd reads it in the console code page (GBK on
rem Chinese Windows). Every Chinese message is printed by Python (tools\launcher_messages.py) or is in
rem tools\python_missing.txt, opened in Notepad when there is no Python.
setlocal EnableExtensions DisableDelayedExpansion
pushd "%~dp0"
set "PYTHONUTF8=1"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
rem generate.py then leaves the last line to this script (it names the window too).
set "GENERATE_LAUNCHER=1"
set "VENV_PY=.venv\Scripts\python.exe"
set "MSG=tools\launcher_messages.py"
set "MARKER=.venv\requirements.installed"
set "CODE=0"
set "HARD_EXIT="
set "REBUILD="
set "DROPPED="

rem 0. Opened inside a zip, Explorer (or 7-Zip, WinRAR) copies only this file to a temporary folder:
rem    nothing to run beside it, and a .venv built there is lost. Say so before anything else.
if not exist "generate.py" goto not_extracted
if not exist "requirements.txt" goto not_extracted
if not exist "%MSG%" goto not_extracted
if not exist "rectification\__init__.py" goto not_extracted

rem 1. The dropped workbook (the first of up to three). Explorer quotes its path only when it has a
rem    space, so cmd cuts "a&b.xlsx" at the & and drops ^. The raw command line still holds it: read
rem    it with delayed expansion (immune to & ^ %), and leave DDE before the value meets a ! in it.
set "LEDGER=%~1"
if not defined LEDGER goto ledger_read
if exist "%LEDGER%" goto ledger_read
setlocal EnableDelayedExpansion
set "RAW=!cmdcmdline!"
set "TAIL=!RAW:*%~nx0" =!"
if "!TAIL!"=="!RAW!" set "TAIL="
if defined TAIL set "TAIL=!TAIL:~0,-1!"
if defined TAIL set "TAIL=!TAIL:"=!"
rem The dot makes the loop run (and endlocal happen) even for an empty TAIL.
for %%A in (".!TAIL!") do endlocal & set "DROPPED=%%~A"
set "DROPPED=%DROPPED:~1%"
rem Started by Explorer: cmd /c would run the rest of the name after an & once this script returns.
if defined DROPPED set "HARD_EXIT=1"
if not defined DROPPED goto ledger_read
if exist "%DROPPED%" set "LEDGER=%DROPPED%"
:ledger_read

rem 2. A .venv is trusted when it imports pip and the libraries; a half-made one (window closed during
rem    the first run, antivirus, full disk) is rebuilt. One made by the README's own commands has no
rem    marker: install into it (nothing to do when requirements.txt is met) and write the marker.
if not exist ".venv" goto find_python
if not exist "%VENV_PY%" goto venv_broken
"%VENV_PY%" "%MSG%" check_venv >nul 2>&1
if errorlevel 1 goto venv_broken
rem No marker, or requirements.txt changed since the last install: install into this .venv.
fc /b "requirements.txt" "%MARKER%" >nul 2>&1
if errorlevel 1 goto install
goto run

:venv_broken
set "REBUILD=1"

:find_python
rem 3. py -3, then python, always with arguments. The Microsoft Store stub exits 9009 without running
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
set "SAY=creating_venv"
if defined REBUILD set "SAY=rebuilding_venv"
%PY% "%MSG%" %SAY%
if exist ".venv" rmdir /s /q ".venv"
if exist ".venv" goto venv_failed
%PY% -m venv ".venv"
if errorlevel 1 goto venv_failed
if not exist "%VENV_PY%" goto venv_failed

:install
rem 4. Install requirements.txt; the marker (a copy of it) is written only once the libraries import.
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
"%VENV_PY%" "%MSG%" check_venv
if errorlevel 1 goto install_broken
copy /y "requirements.txt" "%MARKER%" >nul

:run
rem 5. No file: the window; when it closes normally there is nothing more to say. Dropped paths (up
rem    to three; a name read back from cmdcmdline alone) go to generate.py, which decides what they
rem    mean, says so and opens the output folder. Exit codes of generate.py: 0 done, 1 ledger errors,
rem    2 unusable, 3 notice written but PDF or mail failed, 4 its libraries are missing.
echo.
if not defined LEDGER goto run_window
rem A dropped path that is not there opens the window (generate.py decides); closed normally, it ends
rem here as after a double-click.
set "WINDOWED="
if not exist "%LEDGER%" set "WINDOWED=1"
if defined DROPPED goto run_one_drop
if not "%~2"=="" if not exist "%~2" set "WINDOWED=1"
if not "%~3"=="" if not exist "%~3" set "WINDOWED=1"
if "%~2"=="" goto run_one_drop
if "%~3"=="" goto run_two_drops
"%VENV_PY%" generate.py --drop "%LEDGER%" --drop "%~2" --drop "%~3"
goto ran
:run_two_drops
"%VENV_PY%" generate.py --drop "%LEDGER%" --drop "%~2"
goto ran
:run_one_drop
"%VENV_PY%" generate.py --drop "%LEDGER%"
goto ran
:run_window
"%VENV_PY%" generate.py --window
if not errorlevel 1 goto done
:ran
set "CODE=%errorlevel%"
if defined WINDOWED if "%CODE%"=="0" goto done
echo.
if "%CODE%"=="4" del /q "%MARKER%" >nul 2>&1
"%VENV_PY%" "%MSG%" result %CODE%
goto finish

:not_extracted
rem No Python message here: tools\ is not beside this file. The box says it in Chinese (\u escapes
rem keep this file ASCII); the console says it in English in case mshta is missing or blocked.
echo.
echo This program is still inside the zip file, or the folder is incomplete.
echo Please extract the whole zip first: right-click the zip, choose "Extract All...",
echo then double-click generate.bat in the extracted folder.
echo.
mshta.exe "javascript:alert('\u8bf7\u5148\u628a\u538b\u7f29\u5305\u5b8c\u6574\u89e3\u538b\uff1a\u5728\u538b\u7f29\u5305\u4e0a\u70b9\u53f3\u952e\uff0c\u9009\u201c\u5168\u90e8\u89e3\u538b\u7f29\u201d\uff0c\u518d\u53cc\u51fb\u89e3\u538b\u51fa\u6765\u7684\u6587\u4ef6\u5939\u91cc\u7684 generate.bat\u3002\u4e0d\u8981\u5728\u538b\u7f29\u5305\u91cc\u76f4\u63a5\u8fd0\u884c\u3002');close()" >nul 2>&1
set "CODE=2"
echo Press any key to close this window.
pause >nul
goto done

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

:install_broken
"%VENV_PY%" "%MSG%" install_broken
set "CODE=2"
goto finish

:probe
rem Runs the given command with -c quietly; PROBE is 0 for Python 3.10 or later.
%* -c "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 3)" >nul 2>&1
set "PROBE=%errorlevel%"
exit /b 0

:finish
if exist "%VENV_PY%" goto finish_venv
%PY% "%MSG%" press_any_key
goto finish_pause
:finish_venv
"%VENV_PY%" "%MSG%" press_any_key
:finish_pause
pause >nul

:done
popd
if defined HARD_EXIT goto hard_exit
endlocal & exit /b %CODE%
:hard_exit
endlocal & exit %CODE%
